# A named User token with a lifetime, rotated by hand through rotation_triggers.
resource "mlp_access_token" "ci" {
  name = "ci-pipeline"
  role = "user"
  ttl  = "720h"

  rotation_triggers = {
    rotation = "1"
  }
}

# Rotated by time without downtime: a unique name per token, the new one before the old one goes.
resource "mlp_access_token" "service" {
  name_prefix           = "service-"
  ttl                   = "720h"
  rotate_after          = "600h"
  early_rotation_window = "48h"

  lifecycle {
    create_before_destroy = true
  }
}

output "ci_value" {
  value     = mlp_access_token.ci.value
  sensitive = true
}
