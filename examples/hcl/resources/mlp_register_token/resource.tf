# An Administrator mints a one-time registration token for a token named team-analytics...
resource "mlp_register_token" "handoff" {
  name             = "team-analytics"
  role             = "user"
  access_token_ttl = "2160h" # the access token's lifetime
  ttl              = "48h"   # the registration token's own lifetime
}

output "handoff_value" {
  value     = mlp_register_token.handoff.value
  sensitive = true
}

# ...which the team redeems, in its own configuration, with no credentials in its provider block:
#
# resource "mlp_access_token" "team" {
#   register_token = var.register_token
# }

# Sealed to the receiving team's age key: the state holds only ciphertext, the output is not sensitive.
resource "mlp_register_token" "sealed_handoff" {
  name             = "team-reporting"
  ttl              = "48h"
  access_token_ttl = "2160h"
  seal_to          = ["age1wyemr6rupaja83apdu7z7cuqpgl6lsnufkcs559gtxumwg3aya4sua39k3"]
}

output "sealed_handoff_sealed_value" {
  value = mlp_register_token.sealed_handoff.sealed_value
}
