-- The scenario raises an error with a table instead of a message.
stage "visit" { entry = true }
error({ reason = "not ready" })
