# The account encrypts new volumes by default: nothing in this module is reported.
resource "aws_ebs_encryption_by_default" "on" {}

resource "aws_ebs_volume" "unset" {
  availability_zone = "eu-west-1a"
  size              = 40
}
