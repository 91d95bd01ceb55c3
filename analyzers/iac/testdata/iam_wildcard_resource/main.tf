resource "aws_iam_policy" "lambda" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["ec2:Describe*", "s3:ListAllMyBuckets", "iam:GetRole"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["iam:PassRole", "s3:GetObject"]
        Resource = "*" # want aws-iam-wildcard-resource
      },
      {
        Effect   = "Allow"
        Action   = "s3:Get*"
        Resource = ["arn:aws:s3:::a/*", "*"] # want aws-iam-wildcard-resource
      },
      {
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-*"
      },
      {
        Effect   = "Deny"
        Action   = "s3:DeleteBucket"
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "arn_wildcards" {
  role = "app"
  policy = jsonencode({
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["iam:PassRole"]
        Resource = "arn:aws:iam::*:role/*" # want aws-iam-wildcard-resource
      },
      {
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = ["arn:aws:lambda:*:*:function:*"] # want aws-iam-wildcard-resource
      },
      {
        Effect   = "Allow"
        Action   = ["iam:PassRole", "s3:PutObject"]
        Resource = ["arn:aws:iam::123456789012:role/*", "arn:aws:s3:::uploads/*", "arn:aws:s3:::*-logs/*"]
      },
    ]
  })
}

resource "aws_iam_user_policy" "quoted" {
  user   = "ci"
  policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}" # want aws-iam-wildcard-resource
}
