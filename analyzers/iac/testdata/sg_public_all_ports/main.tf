resource "aws_security_group" "wide_open" {
  ingress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"] # want aws-sg-public-all-ports
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # want aws-sg-public-all-ports
  }

  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/16"]
  }

  ingress {
    from_port       = 0
    to_port         = 0
    protocol        = "-1"
    security_groups = [aws_security_group.lb.id]
  }

  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.from
      to_port     = ingress.value.to
      protocol    = "-1"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "attribute_syntax" {
  ingress = [{
    from_port        = 0
    to_port          = 0
    protocol         = "all"
    cidr_blocks      = ["0.0.0.0/0"] # want aws-sg-public-all-ports
    ipv6_cidr_blocks = []
    description      = null
    prefix_list_ids  = []
    security_groups  = []
    self             = false
  }]
}
