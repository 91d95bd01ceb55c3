resource "aws_security_group" "bastion" {
  name = "bastion"

  ingress {
    description = "SSH from anywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"] # want aws-sg-public-remote-admin
  }

  ingress {
    description      = "RDP over IPv6"
    from_port        = 3389
    to_port          = 3389
    protocol         = "udp"
    ipv6_cidr_blocks = ["::/0"] # want aws-sg-public-remote-admin
  }

  ingress {
    description = "SSH from the office"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"]
  }

  ingress {
    description = "SSH over UDP is not SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "udp"
    cidr_blocks = ["0.0.0.0/0"] # want aws-sg-public-ingress
  }

  ingress {
    description = "range through SSH"
    from_port   = 20
    to_port     = 25
    protocol    = "6"
    cidr_blocks = var.admin_cidrs # want aws-sg-public-remote-admin
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

variable "admin_cidrs" {
  default = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"] # want aws-sg-public-remote-admin
  security_group_id = aws_security_group.bastion.id
}

resource "aws_security_group_rule" "egress_ssh" {
  type              = "egress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.bastion.id
}

resource "aws_vpc_security_group_ingress_rule" "rdp" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "0.0.0.0/0" # want aws-sg-public-remote-admin
  from_port         = 3389
  to_port           = 3389
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "unknown_port" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = var.port_without_default
  to_port           = var.port_without_default
  ip_protocol       = "tcp"
}

variable "port_without_default" {
  type = number
}
