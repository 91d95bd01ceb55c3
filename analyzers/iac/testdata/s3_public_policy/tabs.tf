resource "aws_s3_bucket_policy" "tabs" {
  bucket = "tabs"
  policy = <<EOF
	{
	  "Statement": [
		{
		  "Action": ["s3:PutObject"],
		  "Effect": "Allow",
		  "Resource": "arn:aws:s3:::tabs/*",
		  "Principal": "*"
		}
	  ]
	}
  EOF
}
