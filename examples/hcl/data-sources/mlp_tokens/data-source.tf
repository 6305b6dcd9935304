# Every access token of the project (needs an Administrator token), e.g. to find the ones that
# expire within a week.
data "mlp_tokens" "all" {}

output "expiring_soon" {
  value = [
    for t in data.mlp_tokens.all.tokens : t.name
    if t.expires_at != null && timecmp(t.expires_at, timeadd(plantimestamp(), "168h")) < 0
  ]
}
