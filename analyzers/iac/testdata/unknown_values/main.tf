# Nothing here can be known before a plan: no findings.
resource "aws_db_instance" "from_resource" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = aws_kms_key.db.enabled
  publicly_accessible = module.settings.public
}

resource "aws_db_instance" "from_function" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = can(regex("prod", terraform.workspace))
  publicly_accessible = tobool(file("${path.module}/public.txt"))
}

resource "aws_db_instance" "from_variable_without_default" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = var.encrypted
  publicly_accessible = var.public
}

resource "aws_db_instance" "from_for" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = alltrue([for x in var.flags : x])
  publicly_accessible = var.settings["public"]
}

resource "aws_db_instance" "from_condition" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = var.encrypted ? true : false
  publicly_accessible = var.public == null ? true : var.public
}

resource "aws_db_instance" "overridden" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = true
  publicly_accessible = var.set_elsewhere
}

resource "aws_iam_policy" "templated" {
  policy = templatefile("policy.json.tftpl", { bucket = var.bucket })
}

resource "aws_iam_policy" "from_data_elsewhere" {
  policy = data.terraform_remote_state.iam.outputs.policy
}

resource "aws_iam_policy" "heredoc_action" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "${var.action}", "Resource": "*"}]}
EOF
}

resource "aws_security_group" "computed" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block, var.extra_cidr]
  }
}

variable "encrypted" {
  type = bool
}

variable "public" {
  type = bool
}

variable "flags" {
  type = list(bool)
}

variable "settings" {
  type = map(bool)
}

variable "set_elsewhere" {
  default = true
}

variable "action" {}

variable "extra_cidr" {}

variable "bucket" {}
