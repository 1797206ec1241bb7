-- A zero byte in a key would make it read as the key "share".
persona "fan" {
  share = 1, ["share\0x"] = 0.5,
}
stage "visit" { entry = true }
