resource "aws_security_group" "demo" {
  name        = "demo"
  description = "demo service"

  ingress {
    description = "ssh for debugging"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
