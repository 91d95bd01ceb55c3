# Bucket policies in the three ways Terraform writes them. Buckets live in another module.

resource "aws_s3_bucket_policy" "public_jsonencode" {
  bucket = "website"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicRead"
        Effect    = "Allow"
        Principal = "*" # want aws-s3-public-policy
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::website/*"
      },
      {
        Sid       = "FromVpcOnly"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::website/*"
        Condition = { StringEquals = { "aws:SourceVpce" = "vpce-1234" } }
      },
      {
        Sid       = "DenyInsecure"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = "arn:aws:s3:::website/*"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "public_data_document" {
  bucket = "downloads"
  policy = data.aws_iam_policy_document.public.json
}

data "aws_iam_policy_document" "public" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::downloads/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"] # want aws-s3-public-policy
    }
  }
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::downloads/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}

resource "aws_s3_bucket_policy" "account_only" {
  bucket = "internal"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "s3:*"
      Resource  = "arn:aws:s3:::internal/*"
    }]
  })
}

resource "aws_s3_bucket_policy" "computed" {
  bucket = "computed"
  policy = data.aws_iam_policy_document.elsewhere.json
}
