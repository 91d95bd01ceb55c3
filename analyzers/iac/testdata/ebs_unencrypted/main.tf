resource "aws_ebs_volume" "unset" { # want aws-ebs-unencrypted
  availability_zone = "eu-west-1a"
  size              = 40
}

resource "aws_ebs_volume" "off" {
  availability_zone = "eu-west-1a"
  size              = 40
  encrypted         = false # want aws-ebs-unencrypted
}

resource "aws_ebs_volume" "on" {
  availability_zone = "eu-west-1a"
  size              = 40
  encrypted         = true
}

resource "aws_ebs_volume" "from_snapshot" {
  availability_zone = "eu-west-1a"
  snapshot_id       = "snap-0123456789"
}

resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"

  root_block_device { # want aws-ebs-unencrypted
    volume_size = 20
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    encrypted   = true
  }

  ebs_block_device {
    device_name = "/dev/sdg"
    encrypted   = "false" # want aws-ebs-unencrypted
  }
}

resource "aws_instance" "ami_default" { # want aws-ebs-unencrypted
  ami           = "ami-123"
  instance_type = "t3.micro"
}

resource "aws_instance" "from_template" {
  launch_template {
    id = aws_launch_template.lt.id
  }
}

resource "aws_launch_configuration" "lc" {
  image_id      = "ami-123"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = false # want aws-ebs-unencrypted
  }
}

resource "aws_launch_template" "lt" {
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
      encrypted   = "true"
    }
  }
  block_device_mappings {
    device_name = "/dev/xvdb"
    ebs { # want aws-ebs-unencrypted
      volume_size = 20
    }
  }
}
