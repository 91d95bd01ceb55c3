resource "aws_eks_cluster" "no_logs" { # want aws-eks-control-plane-logging
  name     = "no-logs"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = var.subnets
    endpoint_public_access = false
  }
}

resource "aws_eks_cluster" "api_only" {
  name     = "api-only"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = var.subnets
    endpoint_public_access = false
  }
  enabled_cluster_log_types = ["api"] # want aws-eks-control-plane-logging
}

resource "aws_eks_cluster" "from_variable" {
  name     = "from-variable"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = var.subnets
    endpoint_public_access = false
  }
  enabled_cluster_log_types = var.log_types
}

variable "subnets" {
  type = list(string)
}

variable "log_types" {
  type = list(string)
}
