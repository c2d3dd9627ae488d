// The planner's small helpers: a card's details beside the board, the conflict check while a session is edited, the venue's time zone beside the
// times, the chosen members only while attendance is "chosen", the delivery progress, and the print button.
// Every page works without this file.
"use strict";

function checkConflicts(form) {
  const target = document.getElementById("conflicts");
  if (!target) return;
  fetch(form.dataset.checkUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    .then((html) => { target.innerHTML = html; })
    .catch(() => { /* the "Check conflicts" button still works */ });
}

function followVenueZone(form) {
  const venue = form.querySelector("select[name='venue']");
  const zoneInput = form.querySelector("input[name='time_zone']");
  if (!venue || !zoneInput) return;
  const fallback = form.dataset.visitZone || zoneInput.value;
  venue.addEventListener("change", () => {
    const option = venue.options[venue.selectedIndex];
    const zone = (option && option.dataset.zone) || fallback;
    zoneInput.value = zone;
    form.querySelectorAll("[data-zone-name]").forEach((node) => { node.textContent = zone; });
  });
}

// The chosen members matter only when attendance is "chosen": without this script they are always shown.
function followAttendance(form) {
  const attendance = form.querySelector("select[name='attendance']");
  const attendees = form.querySelector("[data-attendees]");
  if (!attendance || !attendees) return;
  const show = () => { attendees.hidden = attendance.value !== "chosen"; };
  attendance.addEventListener("change", show);
  show();
}

function watchSessionForm(form) {
  let timer = null;
  followVenueZone(form);
  followAttendance(form);
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(() => checkConflicts(form), 300);
  });
}

function pollDelivery(section) {
  const seconds = Number(section.dataset.refreshSeconds || 3);
  const update = () => {
    fetch(section.dataset.progressUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        const bar = section.querySelector("progress");
        bar.max = data.total;
        bar.value = data.done;
        section.querySelector("[data-done]").textContent = data.done;
        section.querySelector("[data-total]").textContent = data.total;
        section.querySelector("[data-percent]").textContent = data.percent;
        Object.entries(data.counts).forEach(([status, count]) => {
          const cell = section.querySelector(`[data-status='${status}']`);
          if (cell) cell.textContent = count;
        });
        if (data.finished) {
          window.location.reload(); // shows the failed messages, if any, and stops asking
        } else {
          setTimeout(update, seconds * 1000);
        }
      })
      .catch(() => setTimeout(update, seconds * 4000));
  };
  setTimeout(update, seconds * 1000);
}

// A card's title opens its details beside the board (times, venue, experts and their answers, conflicts, the
// edit link); without this script the title goes to the session's form.
function watchBoardDetails(container) {
  const panel = container.querySelector("[data-details-panel]");
  if (!panel) return;
  const close = () => {
    panel.hidden = true;
    container.classList.remove("open");
    container.querySelectorAll(".selected-details").forEach((card) => card.classList.remove("selected-details"));
  };
  container.addEventListener("click", (event) => {
    const link = event.target.closest("[data-details]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    const details = document.getElementById(link.dataset.details);
    if (!details) return;
    event.preventDefault();
    close();
    panel.querySelectorAll(".session-details").forEach((section) => { section.hidden = section !== details; });
    panel.hidden = false;
    container.classList.add("open");
    link.closest(".block").classList.add("selected-details");
    const heading = details.querySelector("h2");
    if (heading) heading.focus();
  });
  panel.querySelector("[data-details-close]").addEventListener("click", close);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && !panel.hidden) close(); });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-board-details]").forEach(watchBoardDetails);
  document.querySelectorAll("form[data-check-url]").forEach(watchSessionForm);
  document.querySelectorAll("section[data-progress-url][data-finished='false']").forEach(pollDelivery);
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
});
