# An access token is imported by its name. The API never shows a value again, so the imported
# token's `value` is null: rotate it (change rotation_triggers) to get one into the state.
terraform import mlp_access_token.ci ci-pipeline
