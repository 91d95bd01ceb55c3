resource "aws_cloudtrail" "unset" { # want aws-cloudtrail-log-validation
  name                  = "unset"
  s3_bucket_name        = "trail-logs"
  is_multi_region_trail = true
}

resource "aws_cloudtrail" "off" {
  name                       = "off"
  s3_bucket_name             = "trail-logs"
  is_multi_region_trail      = true
  enable_log_file_validation = false # want aws-cloudtrail-log-validation
}
