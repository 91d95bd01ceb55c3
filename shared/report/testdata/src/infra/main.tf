resource "aws_s3_bucket_acl" "public" {
  bucket = aws_s3_bucket.site.id
  acl    = "public-read"
}
