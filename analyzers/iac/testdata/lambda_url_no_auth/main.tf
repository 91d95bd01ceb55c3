resource "aws_lambda_function_url" "open" {
  function_name      = aws_lambda_function.app.function_name
  authorization_type = "NONE" # want aws-lambda-url-no-auth
}

resource "aws_lambda_function_url" "iam" {
  function_name      = aws_lambda_function.app.function_name
  authorization_type = "AWS_IAM"
}

resource "aws_lambda_function_url" "chosen" {
  function_name      = aws_lambda_function.app.function_name
  authorization_type = var.auth
}

variable "auth" {
  type = string
}
