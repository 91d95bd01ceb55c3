# Loaded only with -var-file: the variable's value depends on how Terraform runs.
set_elsewhere = false
