// Screen-reader repairs to the figure controls and self-checks that the Jupyter widget
// manager draws. Its markup leaves out what a screen reader needs to announce:
// - a slider's handle has no name, and announces the step's index instead of its value;
// - a row of toggle buttons does not say which button is pressed, nor what the row sets;
// - a self-check's options are not grouped under their question.
// The repairs run again whenever the manager redraws or a reader changes a control.
(function () {
  var questionCount = 0;

  function repairSliders() {
    document.querySelectorAll(".widget-slider").forEach(function (widget) {
      var label = widget.querySelector(".widget-label");
      var handle = widget.querySelector(".noUi-handle");
      var readout = widget.querySelector(".widget-readout");
      if (!handle) return;
      if (label && !handle.hasAttribute("aria-label")) {
        handle.setAttribute("aria-label", label.textContent.trim());
      }
      var shown = readout ? (readout.textContent || readout.value || "").trim() : "";
      if (shown && handle.getAttribute("aria-valuetext") !== shown) {
        handle.setAttribute("aria-valuetext", shown);
      }
    });
  }

  function repairToggleButtons() {
    document.querySelectorAll(".widget-toggle-buttons").forEach(function (widget) {
      var label = widget.querySelector(".widget-label");
      var row = widget.querySelector(".widget-toggle-button");
      if (!row) return;
      row = row.parentElement;
      if (row.getAttribute("role") !== "group") {
        row.setAttribute("role", "group");
        if (label) row.setAttribute("aria-label", label.textContent.trim());
      }
      row.querySelectorAll(".widget-toggle-button").forEach(function (button) {
        var pressed = button.classList.contains("mod-active") ? "true" : "false";
        if (button.getAttribute("aria-pressed") !== pressed) {
          button.setAttribute("aria-pressed", pressed);
        }
      });
    });
  }

  function repairSelfChecks() {
    document.querySelectorAll(".kc-self-check").forEach(function (check) {
      var question = check.querySelector(".kc-question");
      var options = check.querySelector(".widget-radio-box");
      if (!question || !options || options.getAttribute("role") === "radiogroup") return;
      questionCount += 1;
      question.id = question.id || "kc-question-" + questionCount;
      options.setAttribute("role", "radiogroup");
      options.setAttribute("aria-labelledby", question.id);
      // One name per group lets the browser move between the options with arrow keys.
      options.querySelectorAll("input[type=radio]").forEach(function (input) {
        input.name = question.id;
      });
    });
  }

  var pending = false;
  function repair() {
    pending = false;
    repairSliders();
    repairToggleButtons();
    repairSelfChecks();
  }
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(repair);
    }
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["class", "value"],
  });
})();
