from_auto_tfvars = "NONE"
