# The block refers to a bucket we cannot identify: it may be this bucket's, so no finding.
resource "aws_s3_bucket" "maybe_covered" {
  bucket = var.name
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "aws:kms"
      }
    }
  }
}

resource "aws_s3_bucket_public_access_block" "maybe" {
  bucket                  = var.name
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

variable "name" {
  type = string
}
