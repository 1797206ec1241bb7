-- Names and texts full of gnuplot, shell and HTML metacharacters, for the
-- plot and report tests: each must be drawn or shown as the text it is and
-- run nothing. Were a label ever run, a file named x, y, v, w, k, t or c
-- would appear; were a tag ever kept, the report would hold a <script>.
scenario {
  name = [[<script>alert(1)</script> & 'q' "d" `touch k` @m \]],
  days = 30, customers = 2000, seed = 7, currency = [[<b>RUB</b>']],
  question = [[Does <img src=x onerror=alert(2)> work?]],
  description = "line one\nline two & <i>three</i>",
}

persona [[a" ; system("touch x") ; "]] {
  share = 0.5, who = [[<script>alert("who")</script>]],
  needs = { "&amp; stays literal", "it's ok" }, quote = [[He said "hi" & left']],
}
persona [[b' . system('touch y') . ']] { share = 0.5, pains = [[`touch z` $(touch z)]] }

stage [[a" ; system("touch x") ; "]] {
  entry = true, touchpoints = { [[<script>alert(3)</script>]], "`touch t`" },
  thoughts = [[' ; system('touch w') ; ']],
}
stage [[<buy> & 'pay']] { purchase = true, value = 10, emotion = -1,
                         pains = [[</td></tr></table><h1>broken</h1>]] }
stage [[use\n@x]] { emotion = 1, opportunities = [[<!-- comment --> ]] .. "\t\\" }
stage [[gone\]] { terminal = true }

transition([[a" ; system("touch x") ; "]], [[<buy> & 'pay']], 0.1)
transition([[a" ; system("touch x") ; "]], [[gone\]], 0.05)
transition([[<buy> & 'pay']], [[use\n@x]], 0.5)
transition([[use\n@x]], [[<buy> & 'pay']], 0.05)
transition([[use\n@x]], [[gone\]], 0.02)

intervention [[i" ; system("touch v") ; "]] {
  at = [[<buy> & 'pay']], mood = 1, cost_per_use = 1,
  description = [[<script>alert(4)</script>]], channel = "`touch c`",
}
intervention [[<j> & 'k']] { scale = { [ [[use\n@x->gone\]] ] = 0.5 } }
