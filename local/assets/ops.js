// The local operations page's script (local/ops-page.ts serves it at /_local/assets/ops.js; the page's CSP allows
// scripts from 'self' only, so nothing is inline). It mints an `ops` token from the local stack, reads
// GET /v1/reports/summary for the form's range, fills the headline figures and tables (textContent only: report
// values never become markup), draws four Chart.js charts, and downloads the report's own CSV as a file.
// When everything is drawn <body data-ready="true">; when the report cannot be read, data-ready="error".
/* global Chart */
'use strict';

(function opsPage() {
  const TOKEN_REQUEST = { sub: 'ops-page', roles: ['ops'] };
  const BUCKET_ORDER = ['current', '1-30', '31-60', '61-90', '90+'];
  const COLORS = { blue: '#2f6fde', blueFill: 'rgba(47, 111, 222, 0.55)', green: '#12a150', orange: '#e8871e', red: '#d03b3b', purple: '#7a4cc2' };

  const $ = (id) => document.getElementById(id);
  const form = $('range');
  const statusLine = $('status');
  const errorBox = $('error');
  const downloadButton = $('download-csv');
  let tokenPromise;

  // ---- formatting ---------------------------------------------------------------------------------------------------

  function at(object, path) {
    return path.split('.').reduce((value, key) => (value === null || value === undefined ? undefined : value[key]), object);
  }

  function groupDigits(integer) {
    return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  const format = {
    count: (value) => (typeof value === 'number' ? groupDigits(String(value)) : '—'),
    percent: (value) => (typeof value === 'number' ? `${(value * 100).toFixed(1)} %` : '—'),
    duration: (seconds) => {
      if (typeof seconds !== 'number') return '—';
      if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
      if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
      if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
      return `${(seconds / 86400).toFixed(1)} d`;
    },
    // Money stays a decimal string (never a float): only the integer part is grouped.
    money: (money) => {
      if (!money || typeof money.amount !== 'string') return '—';
      const negative = money.amount.startsWith('-');
      const [integer, fraction] = money.amount.replace(/^-/, '').split('.');
      return `${negative ? '-' : ''}${groupDigits(integer)}${fraction !== undefined ? `.${fraction}` : ''} ${money.currency}`;
    },
  };

  /** The raw value as the test compares it: numbers as JSON writes them, money as its amount, null as ''. */
  function rawValue(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'object' && typeof value.amount === 'string') return value.amount;
    return String(value);
  }

  // ---- the local stack and the report ------------------------------------------------------------------------------

  async function token() {
    tokenPromise ??= (async () => {
      const response = await fetch('/_local/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(TOKEN_REQUEST),
      });
      if (!response.ok) throw new Error(`the local stack refused a token: ${await problemText(response)}`);
      return (await response.json()).token;
    })();
    tokenPromise.catch(() => {
      tokenPromise = undefined;
    });
    return tokenPromise;
  }

  function reportUrl(from, to) {
    return `/v1/reports/summary?${new URLSearchParams({ from, to }).toString()}`;
  }

  async function readReport(from, to, accept) {
    const response = await fetch(reportUrl(from, to), { headers: { authorization: `Bearer ${await token()}`, accept } });
    if (!response.ok) throw new Error(`GET ${reportUrl(from, to)} answered ${await problemText(response)}`);
    return response;
  }

  /** "422 Unprocessable Content: detail" and each field problem of a problem+json answer, or the body's start. */
  async function problemText(response) {
    const text = await response.text();
    let problem;
    try {
      problem = JSON.parse(text);
    } catch {
      problem = undefined;
    }
    const head = `${response.status} ${response.statusText}`.trim();
    if (!problem || typeof problem !== 'object') return text ? `${head}: ${text.slice(0, 300)}` : head;
    const title = problem.title ?? problem.message;
    const lines = [`${head}${title && title !== response.statusText ? ` — ${title}` : ''}${problem.detail ? `: ${problem.detail}` : ''}`];
    for (const error of Array.isArray(problem.errors) ? problem.errors : []) lines.push(`  ${error.path ?? ''}: ${error.message ?? ''}`);
    return lines.join('\n');
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    statusLine.textContent = 'The report could not be shown.';
  }

  // ---- figures and tables -----------------------------------------------------------------------------------------

  function fillFigures(report) {
    for (const element of document.querySelectorAll('[data-figure]')) {
      const value = at(report, element.dataset.path);
      const formatter = format[element.dataset.format] ?? String;
      element.textContent = formatter(value);
      element.dataset.value = rawValue(value);
    }
  }

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function fillRows(tbody, rows, columns, emptyText) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      const td = cell(emptyText, 'empty');
      td.colSpan = columns;
      tr.append(td);
      tbody.append(tr);
      return;
    }
    for (const row of rows) {
      const tr = document.createElement('tr');
      tr.append(...row);
      tbody.append(tr);
    }
  }

  function fillTables(report) {
    const reasons = Object.entries(report.decisions?.declineReasons ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    fillRows(
      $('decline-reasons'),
      reasons.map(([code, count]) => [cell(code), cell(format.count(count), 'num')]),
      2,
      'No declines in this range.',
    );
    const reviewers = [...(report.reviews?.byReviewer ?? [])].sort((a, b) => a.level - b.level || String(a.name).localeCompare(String(b.name)));
    fillRows(
      $('reviewers'),
      reviewers.map((r) => {
        const name = cell(r.name || r.reviewerId);
        name.title = r.reviewerId;
        return [name, cell(String(r.level), 'num'), cell(format.count(r.decided), 'num'), cell(format.count(r.open), 'num'), cell(format.count(r.slaBreaches), 'num')];
      }),
      5,
      'No reviewers.',
    );
  }

  // ---- charts -------------------------------------------------------------------------------------------------------

  const percentOf = (rate) => (typeof rate === 'number' ? Math.round(rate * 10000) / 100 : null);

  /** A unit that keeps the decision times readable: seconds, minutes, hours or days by the largest value. */
  function durationUnit(values) {
    const max = Math.max(0, ...values.filter((v) => typeof v === 'number'));
    if (max < 120) return { label: 'seconds', divisor: 1 };
    if (max < 7200) return { label: 'minutes', divisor: 60 };
    if (max < 172800) return { label: 'hours', divisor: 3600 };
    return { label: 'days', divisor: 86400 };
  }

  const percentAxis = (position, title, extra = {}) => ({
    position,
    min: 0,
    title: { display: true, text: title },
    ticks: { callback: (value) => `${value} %` },
    ...extra,
  });

  // Days without decisions have no approval rate or decision time (null): the lines break there rather than draw a
  // value that the report does not have.
  function drawCharts(report) {
    for (const canvas of document.querySelectorAll('canvas')) Chart.getChart(canvas)?.destroy();
    const daily = report.daily ?? [];
    const days = daily.map((d) => d.day);

    new Chart($('chart-applications'), {
      data: {
        labels: days,
        datasets: [
          { type: 'bar', label: 'Applications received', data: daily.map((d) => d.received), backgroundColor: COLORS.blueFill, borderColor: COLORS.blue, yAxisID: 'y', order: 2 },
          { type: 'line', label: 'Approval rate', data: daily.map((d) => percentOf(d.approvalRate)), borderColor: COLORS.green, backgroundColor: COLORS.green, yAxisID: 'y1', pointRadius: 4, order: 1 },
        ],
      },
      options: {
        scales: {
          y: { position: 'left', beginAtZero: true, title: { display: true, text: 'applications' }, ticks: { precision: 0 } },
          y1: percentAxis('right', 'approval rate', { max: 100, grid: { drawOnChartArea: false } }),
        },
      },
    });

    const unit = durationUnit(daily.flatMap((d) => [d.p50DecisionSeconds, d.p90DecisionSeconds]));
    const inUnit = (seconds) => (typeof seconds === 'number' ? Math.round((seconds / unit.divisor) * 100) / 100 : null);
    new Chart($('chart-decision-time'), {
      type: 'line',
      data: {
        labels: days,
        datasets: [
          { label: 'p50', data: daily.map((d) => inUnit(d.p50DecisionSeconds)), borderColor: COLORS.blue, backgroundColor: COLORS.blue, pointRadius: 4 },
          { label: 'p90', data: daily.map((d) => inUnit(d.p90DecisionSeconds)), borderColor: COLORS.orange, backgroundColor: COLORS.orange, pointRadius: 4 },
        ],
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: unit.label } } } },
    });

    new Chart($('chart-par30'), {
      type: 'line',
      data: {
        labels: days,
        datasets: [{ label: 'PAR30', data: daily.map((d) => percentOf(d.par30)), borderColor: COLORS.red, backgroundColor: 'rgba(208, 59, 59, 0.15)', fill: true, stepped: true, pointRadius: 2 }],
      },
      options: { scales: { y: percentAxis('left', 'PAR30', { suggestedMax: 10 }) } },
    });

    const byBucket = report.portfolio?.byBucket ?? {};
    const buckets = [...BUCKET_ORDER.filter((b) => b in byBucket), ...Object.keys(byBucket).filter((b) => !BUCKET_ORDER.includes(b))];
    new Chart($('chart-buckets'), {
      data: {
        labels: buckets,
        datasets: [
          { type: 'bar', label: 'Loans', data: buckets.map((b) => byBucket[b].loans), backgroundColor: [COLORS.green, COLORS.orange, '#e06a2b', COLORS.red, COLORS.purple], yAxisID: 'y' },
          {
            type: 'bar',
            label: `Outstanding principal (${report.currency})`,
            data: buckets.map((b) => Number(byBucket[b].principal?.amount ?? 0)),
            borderColor: COLORS.blue,
            borderWidth: 1.5,
            backgroundColor: 'rgba(47, 111, 222, 0.12)',
            yAxisID: 'y1',
          },
        ],
      },
      options: {
        scales: {
          y: { position: 'left', beginAtZero: true, title: { display: true, text: 'loans' }, ticks: { precision: 0 } },
          y1: { position: 'right', beginAtZero: true, title: { display: true, text: report.currency }, grid: { drawOnChartArea: false } },
        },
      },
    });
  }

  // ---- the page -----------------------------------------------------------------------------------------------------

  async function load() {
    const from = form.elements.from.value;
    const to = form.elements.to.value;
    try {
      if (typeof Chart !== 'function') throw new Error('Chart.js did not load (/_local/assets/chart.umd.min.js)');
      Chart.defaults.animation = false;
      Chart.defaults.maintainAspectRatio = false;
      Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
      Chart.defaults.plugins.legend.position = 'bottom';
      await token();
      downloadButton.disabled = false;
      const report = await (await readReport(from, to, 'application/json')).json();
      $('report').hidden = false; // before drawing: a hidden canvas has no size
      $('meta').textContent =
        `${report.from} to ${report.to} (lender days in ${report.timeZone}; amounts in ${report.currency}); ` +
        `portfolio as of ${report.portfolio?.asOf ?? '—'}, ${format.count(report.portfolio?.activeLoans)} active loans.`;
      fillFigures(report);
      fillTables(report);
      drawCharts(report);
      statusLine.textContent = `${format.count(report.applications?.received)} applications from ${report.from} to ${report.to}.`;
      requestAnimationFrame(() => {
        document.body.dataset.ready = 'true';
      });
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
      document.body.dataset.ready = 'error';
    }
  }

  /** The report's CSV as the API gives it (never rebuilt here), saved through a Blob link. */
  async function downloadCsv() {
    const from = form.elements.from.value;
    const to = form.elements.to.value;
    downloadButton.disabled = true;
    try {
      const response = await readReport(from, to, 'text/csv');
      const blob = await response.blob();
      const disposition = /filename="?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '');
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = disposition?.[1] ?? `microloan-summary-${from}-to-${to}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      statusLine.textContent = `Downloaded ${link.download} (${format.count(blob.size)} bytes).`;
    } catch (error) {
      showError(error instanceof Error ? error.message : String(error));
    } finally {
      downloadButton.disabled = false;
    }
  }

  downloadButton.addEventListener('click', () => void downloadCsv());
  void load();
})();
