terraform {
  required_providers {
    mlp = {
      # Installed from the package by `npx mlp-tokens mirror .` (or by MlpProvider at cdktf synth):
      # no registry answers for terraform.local, so nothing else can be installed in its place.
      source = "terraform.local/mlp-tokens/mlp"
    }
  }
}

variable "mlp_admin_token" {
  type      = string
  sensitive = true
}

provider "mlp" {
  endpoint = "https://msk.cloud.vk.com/infra/mlplatform" # or MLP_ENDPOINT
  token    = var.mlp_admin_token                         # or MLP_TOKEN
}
