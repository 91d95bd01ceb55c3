resource "aws_eks_cluster" "defaults" {
  name     = "defaults"
  role_arn = aws_iam_role.eks.arn
  vpc_config { # want aws-eks-public-endpoint
    subnet_ids = var.subnets
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator"]
}

resource "aws_eks_cluster" "explicit" {
  name     = "explicit"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = var.subnets
    endpoint_public_access = true
    public_access_cidrs    = ["0.0.0.0/0"] # want aws-eks-public-endpoint
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager"]
}

resource "aws_eks_cluster" "public_open" {
  name     = "public-open"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = var.subnets
    endpoint_public_access = true # want aws-eks-public-endpoint
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator"]
}

resource "aws_eks_cluster" "restricted" {
  name     = "restricted"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids          = var.subnets
    public_access_cidrs = ["203.0.113.0/24"]
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator"]
}

resource "aws_eks_cluster" "half_the_internet" {
  name     = "half"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids          = var.subnets
    public_access_cidrs = ["1.1.1.1/1"] # want aws-eks-public-endpoint
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator"]
}

resource "aws_eks_cluster" "private" {
  name     = "private"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids              = var.subnets
    endpoint_private_access = true
    endpoint_public_access  = false
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator"]
}

resource "aws_eks_cluster" "unknown" {
  name     = "unknown"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = var.subnets
    endpoint_public_access = var.public
  }
  enabled_cluster_log_types = ["api", "audit", "authenticator"]
}

variable "subnets" {
  type = list(string)
}

variable "public" {
  type = bool
}
