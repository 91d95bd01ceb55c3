resource "aws_db_instance" "unset" { # want aws-rds-unencrypted
  engine         = "postgres"
  instance_class = "db.t4g.micro"
}

resource "aws_db_instance" "off" {
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  storage_encrypted = false # want aws-rds-unencrypted
}

resource "aws_db_instance" "replica" {
  instance_class      = "db.t4g.micro"
  replicate_source_db = aws_db_instance.off.identifier
}

resource "aws_db_instance" "with_key" { # want aws-rds-unencrypted
  engine         = "postgres"
  instance_class = "db.t4g.micro"
  kms_key_id     = aws_kms_key.db.arn
}

resource "aws_db_instance" "unknown" {
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  storage_encrypted = var.encrypted
}

variable "encrypted" {}

resource "aws_rds_cluster" "provisioned" { # want aws-rds-unencrypted
  engine = "aurora-mysql"
}

resource "aws_rds_cluster" "serverless_v1" {
  engine      = "aurora-mysql"
  engine_mode = "serverless"
}

resource "aws_rds_cluster_instance" "member" {
  cluster_identifier = aws_rds_cluster.provisioned.id
  instance_class     = "db.r6g.large"
  engine             = "aurora-mysql"
}
