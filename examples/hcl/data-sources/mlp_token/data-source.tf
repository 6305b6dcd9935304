# Who am I: the token the provider is configured with.
data "mlp_token" "me" {}

output "my_role" {
  value = data.mlp_token.me.role
}
