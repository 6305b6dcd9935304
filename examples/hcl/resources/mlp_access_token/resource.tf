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

# Sealed: the state keeps only the value age-encrypted to these recipients (value is null).
# Read it with: terraform output -raw reporting_sealed_value | age -d -i key.txt
resource "mlp_access_token" "reporting" {
  name    = "reporting"
  ttl     = "720h"
  seal_to = ["age1wyemr6rupaja83apdu7z7cuqpgl6lsnufkcs559gtxumwg3aya4sua39k3"]
}

output "reporting_sealed_value" {
  value = mlp_access_token.reporting.sealed_value
}

# Redeemed from a registration token that never enters the plan or state (Terraform 1.11+):
# pass it through an ephemeral variable, and raise the version to redeem a new one.
variable "team_registration_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "mlp_access_token" "team" {
  register_token_wo         = var.team_registration_token
  register_token_wo_version = 1
}
