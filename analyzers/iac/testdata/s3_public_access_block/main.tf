resource "aws_s3_bucket" "no_block" { # want aws-s3-public-access-block
  bucket = "no-block"
}

resource "aws_s3_bucket" "partial_block" {
  bucket = "partial-block"
}

resource "aws_s3_bucket_public_access_block" "partial_block" { # want aws-s3-public-access-block
  bucket                  = aws_s3_bucket.partial_block.id
  block_public_acls       = false # want aws-s3-public-access-block
  block_public_policy     = true
  ignore_public_acls      = true
}

resource "aws_s3_bucket" "by_name" {
  bucket = "by-name"
}

resource "aws_s3_bucket_public_access_block" "by_name" {
  bucket                  = "by-name"
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket" "counted" {
  count  = 2
  bucket = "counted-${count.index}"
}

resource "aws_s3_bucket_public_access_block" "counted" {
  count                   = 2
  bucket                  = aws_s3_bucket.counted[count.index].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = var.restrict # want aws-s3-public-access-block
}

variable "restrict" {
  default = false
}

# Refers to a bucket that does not exist (Terraform would refuse it): it cannot be the block of
# another bucket of this module, so no_block above is still reported; its own settings are.
resource "aws_s3_bucket_public_access_block" "dangling" { # want aws-s3-public-access-block
  bucket                  = aws_s3_bucket.missing.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
}

resource "aws_s3_bucket" "never_created" {
  count  = 0
  bucket = "never"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "all" {
  for_each = toset(["no-block", "partial-block", "by-name", "counted-0", "counted-1"])
  bucket   = each.key
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}
