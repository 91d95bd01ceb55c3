resource "aws_s3_bucket" "plain" { # want aws-s3-default-encryption
  bucket = "plain"
}

resource "aws_s3_bucket" "inline" {
  bucket = "inline"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}

resource "aws_s3_bucket" "split" {
  bucket = "split"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "split" {
  bucket = aws_s3_bucket.split.bucket
  rule {
    apply_server_side_encryption_by_default {
      kms_master_key_id = aws_kms_key.k.arn
      sse_algorithm     = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "all" {
  for_each                = toset(["plain", "inline", "split", "bucket-key-only", "dynamic-rule"])
  bucket                  = each.key
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket" "bucket_key_only" { # want aws-s3-default-encryption
  bucket = "bucket-key-only"
}

# A configuration without a default algorithm encrypts nothing by itself.
resource "aws_s3_bucket_server_side_encryption_configuration" "bucket_key_only" {
  bucket = aws_s3_bucket.bucket_key_only.id
  rule {
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket" "dynamic_rule" {
  bucket = "dynamic-rule"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "dynamic_rule" {
  bucket = aws_s3_bucket.dynamic_rule.id
  dynamic "rule" {
    for_each = var.rules
    content {
      apply_server_side_encryption_by_default {
        sse_algorithm = rule.value
      }
    }
  }
}
