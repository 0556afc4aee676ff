// Widget sliders draw their handle as role="slider" without a name; give each handle the
// text of its widget's label, so screen readers announce what the slider sets.
(function () {
  function nameSliders() {
    document.querySelectorAll(".widget-slider").forEach(function (widget) {
      var label = widget.querySelector(".widget-label");
      var handle = widget.querySelector(".noUi-handle");
      if (label && handle && !handle.hasAttribute("aria-label")) {
        handle.setAttribute("aria-label", label.textContent.trim());
      }
    });
  }
  new MutationObserver(nameSliders).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
