resource "aws_s3_bucket" "legacy_public" {
  bucket = "legacy-public"
  acl    = "public-read" # want aws-s3-public-acl
}

resource "aws_s3_bucket" "legacy_private" {
  bucket = "legacy-private"
  acl    = "private"
}

resource "aws_s3_bucket" "split" {
  bucket = "split"
}

resource "aws_s3_bucket_acl" "split" {
  bucket = aws_s3_bucket.split.id
  acl    = "public-read-write" # want aws-s3-public-acl
}

resource "aws_s3_bucket_acl" "authenticated" {
  bucket = "some-bucket-elsewhere"
  acl    = "authenticated-read" # want aws-s3-public-acl
}

resource "aws_s3_bucket_acl" "log_delivery" {
  bucket = aws_s3_bucket.split.id
  acl    = "log-delivery-write"
}

resource "aws_s3_bucket_acl" "unknown" {
  bucket = aws_s3_bucket.split.id
  acl    = var.acl_without_default
}

variable "acl_without_default" {
  type = string
}

# Blocks for every bucket, by name: the buckets are not reported as missing one, and the
# blocks leave public ACLs in force (ignore_public_acls is unknown).
resource "aws_s3_bucket_public_access_block" "all" {
  for_each                = toset(["legacy-public", "legacy-private", "split"])
  bucket                  = each.key
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = var.ignore_public_acls
  restrict_public_buckets = true
}

variable "ignore_public_acls" {
  type = bool
}

resource "aws_s3_bucket" "ignored" {
  bucket = "ignored"
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "ignored" {
  bucket                  = aws_s3_bucket.ignored.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "all" {
  for_each = toset(["legacy-public", "legacy-private", "split", "ignored"])
  bucket   = each.key
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
