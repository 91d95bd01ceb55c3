resource "aws_iam_group_policy" "admins" {
  group = "admins"
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "${var.sid}",
          "Effect": "Allow",
          "Action": ["*"],
          "Resource": "*"
        }
      ]
    }
  EOT
}

variable "sid" {
  type = string
}
