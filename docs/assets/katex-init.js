// Typeset the \( ... \) and \[ ... \] spans that pymdownx.arithmatex leaves (generic mode).
function provableTypeset() {
  document.querySelectorAll(".arithmatex").forEach(function (el) {
    renderMathInElement(el, {
      delimiters: [
        {left: "\\(", right: "\\)", display: false},
        {left: "\\[", right: "\\]", display: true}
      ],
      throwOnError: false
    });
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(provableTypeset);  // mkdocs-material instant navigation
} else {
  document.addEventListener("DOMContentLoaded", provableTypeset);
}
