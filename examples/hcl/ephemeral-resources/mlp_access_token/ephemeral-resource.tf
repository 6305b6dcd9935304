# A token for this run only: minted when Terraform opens it (at plan, and again at apply), deleted
# when the run is done with it; its value is in no plan or state. ttl (at most 24h) bounds what a
# killed run leaves behind.
ephemeral "mlp_access_token" "deploy" {
  ttl         = "1h"
  name_prefix = "deploy-"
}

# Another provider configured with it: here an aliased mlp provider that acts as that token.
provider "mlp" {
  alias = "deploy"
  token = ephemeral.mlp_access_token.deploy.value
}

data "mlp_token" "deploy" {
  provider = mlp.deploy
}
