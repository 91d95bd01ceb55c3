resource "aws_ebs_encryption_by_default" "off" {
  enabled = false # want aws-ebs-unencrypted
}

resource "aws_ebs_volume" "unset" { # want aws-ebs-unencrypted
  availability_zone = "eu-west-1a"
  size              = 40
}
