resource "aws_db_instance" "public" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = true
  publicly_accessible = true # want aws-rds-public
}

resource "aws_db_instance" "private" {
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = true
  publicly_accessible = false
}

resource "aws_db_instance" "from_variable" {
  engine              = "mysql"
  instance_class      = "db.t4g.micro"
  storage_encrypted   = true
  publicly_accessible = var.public # want aws-rds-public
}

variable "public" {
  type    = bool
  default = true
}

resource "aws_rds_cluster_instance" "member" {
  cluster_identifier  = aws_rds_cluster.aurora.id
  instance_class      = "db.r6g.large"
  engine              = "aurora-postgresql"
  publicly_accessible = "true" # want aws-rds-public
}

resource "aws_rds_cluster" "aurora" {
  engine            = "aurora-postgresql"
  storage_encrypted = true
}
