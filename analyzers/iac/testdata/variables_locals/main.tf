locals {
  env         = "prod"
  public      = local.env == "dev"
  open_to     = ["0.0.0.0/0"]
  admin_ports = { ssh = 22 }
  name        = "${local.env}-db"
  policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:*" # want aws-iam-wildcard-action
      Resource = "*"
    }]
  }
  loop_a = local.loop_b
  loop_b = local.loop_a
}

variable "encrypted" {
  default = false
}

variable "tags" {
  default = {
    Public = true
  }
}

variable "from_auto_tfvars" {
  default = "AWS_IAM"
}

resource "aws_db_instance" "resolved" {
  identifier          = local.name
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = var.encrypted # want aws-rds-unencrypted
  publicly_accessible = local.public
}

resource "aws_db_instance" "index" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = !var.encrypted
  publicly_accessible = var.tags["Public"] # want aws-rds-public
}

resource "aws_db_instance" "cycle" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = local.loop_a
  publicly_accessible = local.loop_b
}

resource "aws_security_group" "ssh" {
  ingress {
    from_port   = local.admin_ports.ssh
    to_port     = local.admin_ports["ssh"]
    protocol    = "tcp"
    cidr_blocks = concat(local.open_to, ["10.0.0.0/8"]) # want aws-sg-public-remote-admin
  }
}

resource "aws_iam_policy" "local_document" {
  policy = jsonencode(local.policy)
}

resource "aws_lambda_function_url" "auto_tfvars" {
  function_name      = "f"
  authorization_type = var.from_auto_tfvars # want aws-lambda-url-no-auth
}
