#include "httpbench/stats/scalability.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace httpbench {

namespace {

struct Point {
  double n = 0;
  double x = 0;
};

// The USL's shape at concurrency n, without lambda: n / (1 + sigma (n - 1) + kappa n (n - 1)).
double shape(double n, double sigma, double kappa) {
  return n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

// For fixed sigma and kappa the model is linear in lambda, so its least-squares value is closed
// form; returns the residual sum of squares and sets `lambda`.
double residual(const std::vector<Point>& points, double sigma, double kappa, double& lambda) {
  double xf = 0;
  double ff = 0;
  for (const Point& p : points) {
    const double f = shape(p.n, sigma, kappa);
    xf += p.x * f;
    ff += f * f;
  }
  lambda = ff > 0 ? xf / ff : 0;
  double sse = 0;
  for (const Point& p : points) {
    const double e = p.x - lambda * shape(p.n, sigma, kappa);
    sse += e * e;
  }
  return sse;
}

double residual(const std::vector<Point>& points, double sigma, double kappa) {
  double ignored = 0;
  return residual(points, sigma, kappa, ignored);
}

// {0} and `count` log-spaced values from 10^lo to 10^hi.
std::vector<double> grid(double lo, double hi, int count) {
  std::vector<double> values{0.0};
  for (int i = 0; i < count; ++i) {
    values.push_back(std::pow(10.0, lo + (hi - lo) * i / (count - 1)));
  }
  return values;
}

}  // namespace

double UslFit::predict(double n) const {
  return lambda * shape(n, sigma, kappa);
}

std::optional<double> UslFit::peak_concurrency() const {
  if (kappa <= 0 || sigma >= 1) return std::nullopt;
  return std::sqrt((1 - sigma) / kappa);
}

std::optional<UslFit> fit_usl(std::span<const double> concurrency, std::span<const double> rps) {
  std::vector<Point> points;
  double scale = 0;
  for (std::size_t i = 0; i < std::min(concurrency.size(), rps.size()); ++i) {
    if (!(concurrency[i] >= 1) || !(rps[i] > 0) || !std::isfinite(concurrency[i]) ||
        !std::isfinite(rps[i])) {
      continue;
    }
    points.push_back({concurrency[i], rps[i]});
    scale = std::max(scale, rps[i]);
  }
  std::vector<double> distinct;
  for (const Point& p : points)
    distinct.push_back(p.n);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() < 3) return std::nullopt;
  // Throughput in units of its largest value, so the tolerances below are relative.
  for (Point& p : points)
    p.x /= scale;

  double best_sigma = 0;
  double best_kappa = 0;
  double best = std::numeric_limits<double>::infinity();
  for (double sigma : grid(-6, 0, 61)) {
    for (double kappa : grid(-8, 0, 81)) {
      const double sse = residual(points, sigma, kappa);
      if (sse < best) {
        best = sse;
        best_sigma = sigma;
        best_kappa = kappa;
      }
    }
  }

  // Compass search: try a step either way along each parameter, move on improvement, halve the
  // steps when none improves. The parameters stay >= 0 (a negative contention or coherency has no
  // physical meaning and would let the fit chase noise).
  double step_sigma = std::max(best_sigma * 0.5, 1e-7);
  double step_kappa = std::max(best_kappa * 0.5, 1e-9);
  for (int iteration = 0; iteration < 20000; ++iteration) {
    bool moved = false;
    const double candidates[4][2] = {{best_sigma + step_sigma, best_kappa},
                                     {best_sigma - step_sigma, best_kappa},
                                     {best_sigma, best_kappa + step_kappa},
                                     {best_sigma, best_kappa - step_kappa}};
    for (const auto& c : candidates) {
      const double sigma = std::max(0.0, c[0]);
      const double kappa = std::max(0.0, c[1]);
      const double sse = residual(points, sigma, kappa);
      if (sse < best) {
        best = sse;
        best_sigma = sigma;
        best_kappa = kappa;
        moved = true;
      }
    }
    if (moved) {
      // Grow again after a success, so a long valley is followed quickly.
      step_sigma *= 1.5;
      step_kappa *= 1.5;
      continue;
    }
    step_sigma *= 0.5;
    step_kappa *= 0.5;
    if (step_sigma < 1e-12 && step_kappa < 1e-14) break;
  }

  UslFit fit;
  fit.sigma = best_sigma;
  fit.kappa = best_kappa;
  residual(points, best_sigma, best_kappa, fit.lambda);
  fit.lambda *= scale;
  double mean = 0;
  for (const Point& p : points)
    mean += p.x;
  mean /= static_cast<double>(points.size());
  double total = 0;
  for (const Point& p : points)
    total += (p.x - mean) * (p.x - mean);
  fit.r2 = total > 0 ? 1 - best / total : (best < 1e-12 ? 1.0 : 0.0);
  return fit;
}

std::optional<std::uint64_t> find_knee(std::span<const KneePoint> points) {
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const KneePoint& here = points[i];
    const KneePoint& next = points[i + 1];
    if (!(here.rps > 0)) continue;
    const double gain = (next.rps - here.rps) / here.rps;
    if (gain < kKneeGain && next.p99_ms > here.p99_ms) return here.concurrency;
  }
  return std::nullopt;
}

SweepSummary summarize_sweep(std::vector<SweepLevel> levels) {
  SweepSummary s;
  std::vector<double> n;
  std::vector<double> x;
  std::vector<KneePoint> knee_points;
  for (const SweepLevel& l : levels) {
    n.push_back(static_cast<double>(l.concurrency));
    x.push_back(l.rps);
    knee_points.push_back({l.concurrency, l.rps, l.p99_ms});
  }
  s.usl = fit_usl(n, x);
  s.knee = find_knee(knee_points);
  s.levels = std::move(levels);
  return s;
}

}  // namespace httpbench
