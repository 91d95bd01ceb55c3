resource "aws_kms_key" "unset" { # want aws-kms-rotation
  description = "unset"
}

resource "aws_kms_key" "off" {
  description         = "off"
  enable_key_rotation = false # want aws-kms-rotation
}

resource "aws_kms_key" "on" {
  description         = "on"
  enable_key_rotation = true
}

resource "aws_kms_key" "signing" {
  description              = "asymmetric keys cannot rotate"
  customer_master_key_spec = "RSA_2048"
  key_usage                = "SIGN_VERIFY"
}

resource "aws_kms_key" "hmac" {
  description              = "HMAC keys cannot rotate"
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
}
