resource "aws_iam_policy" "services" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:*", "dynamodb:GetItem"] # want aws-iam-wildcard-action
        Resource = ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["s3:Get*", "s3:List*"]
        Resource = ["arn:aws:s3:::data/*"]
      },
      {
        Effect   = "Allow"
        Action   = "*" # want aws-iam-wildcard-action
        Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/t"
      },
      {
        Effect   = "Allow"
        Action   = "kms:*" # want aws-iam-wildcard-action
        Resource = "*"
      },
    ]
  })
}

data "aws_iam_policy_document" "iam_admin" {
  statement {
    actions = [
      "iam:*", # want aws-iam-wildcard-action
    ]
    resources = ["arn:aws:iam::123456789012:role/app-*"]
  }
}

resource "aws_iam_role_policy" "iam_admin" {
  role   = "app"
  policy = data.aws_iam_policy_document.iam_admin.json
}

# A document nobody uses as an identity policy (here, a KMS key policy) is not checked.
data "aws_iam_policy_document" "key_policy" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}
