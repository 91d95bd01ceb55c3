resource "aws_cloudtrail" "unset" { # want aws-cloudtrail-single-region
  name                       = "unset"
  s3_bucket_name             = "trail-logs"
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "off" {
  name                       = "off"
  s3_bucket_name             = "trail-logs"
  is_multi_region_trail      = false # want aws-cloudtrail-single-region
  enable_log_file_validation = true
}

resource "aws_cloudtrail" "on" {
  name                       = "on"
  s3_bucket_name             = "trail-logs"
  is_multi_region_trail      = true
  enable_log_file_validation = true
}
