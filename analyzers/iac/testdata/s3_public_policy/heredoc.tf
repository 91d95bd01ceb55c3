resource "aws_s3_bucket_policy" "heredoc" {
  bucket = "assets"
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "*"},
      "Action": "s3:GetObject",
      "Resource": "${aws_s3_bucket.assets.arn}/*"
    }
  ]
}
POLICY
}
