/* Pick a style: show the strength slider's value as a percentage while it moves. */
(function () {
  "use strict";
  var out = document.getElementById("strength-value");
  var range = out && document.getElementById(out.htmlFor.value);
  if (range) range.addEventListener("input", function () { out.textContent = Math.round(range.value * 100) + "%"; });
})();
