/* global document, window, fetch, HTMLFormElement */
// The console's only script besides htmx: file upload for an engagement (a form with
// data-upload="<files path>"), sent as the raw file to the API's PUT route with the session cookie
// (same origin), then the page reloads to list it. Everything else works without script.
document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.upload) return;
  event.preventDefault();
  const input = form.querySelector('input[type=file]');
  const status = form.querySelector('[role=status]');
  const file = input && input.files && input.files[0];
  if (!file) {
    status.textContent = status.dataset.none;
    input.focus();
    return;
  }
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const response = await fetch(form.dataset.upload + encodeURIComponent(file.name), {
      method: 'PUT',
      body: file,
      headers: { 'content-type': file.type || 'application/octet-stream' },
      credentials: 'same-origin',
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      status.textContent = `${status.dataset.failed} ${problem.detail || response.status}`;
      return;
    }
    status.textContent = status.dataset.done;
    window.location.reload();
  } finally {
    button.disabled = false;
  }
});
