resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # want aws-iam-full-admin
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "deny_all" {
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Statement = [{
      Effect   = "Deny"
      Action   = "*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = data.aws_iam_policy_document.trust.json

  inline_policy {
    name   = "everything"
    policy = data.aws_iam_policy_document.everything.json
  }

  managed_policy_arns = [
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AdministratorAccess", # want aws-iam-full-admin
  ]
}

data "aws_iam_policy_document" "everything" {
  statement {
    actions   = ["*:*"] # want aws-iam-full-admin
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess" # want aws-iam-full-admin
}

resource "aws_iam_role_policy_attachment" "computed" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.admin.arn
}

resource "aws_iam_user_policy" "templated" {
  user   = "deployer"
  policy = templatefile("${path.module}/policy.json", {})
}
