resource "aws_lb_listener" "plain" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP" # want aws-lb-http-listener

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "redirect" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_alb_listener" "tls" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.web.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "dynamic" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  dynamic "default_action" {
    for_each = var.actions
    content {
      type = default_action.value.type
    }
  }
}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
}

resource "aws_lb" "nlb" {
  name               = "nlb"
  load_balancer_type = "network"
}

resource "aws_lb_listener" "default_protocol" { # want aws-lb-http-listener
  load_balancer_arn = aws_lb.web.arn
  port              = 80

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "default_protocol_tls" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  certificate_arn   = aws_acm_certificate.web.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "default_protocol_nlb" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 53

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.dns.arn
  }
}

resource "aws_lb_listener" "nlb" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 22
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ssh.arn
  }
}
