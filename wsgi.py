"""WSGI entry point: ``gunicorn wsgi:app`` (production) or ``flask --app wsgi run`` (development)."""
import gc

from app import create_app

app = create_app()

# What is loaded by now (modules, models, forms, routes: some 170,000 objects) lives as long as the process.
# Freezing it takes it out of the garbage collector's full collections, which then scan only what requests
# create: in a gunicorn worker a full collection took 60 to 150 ms and landed, every hundred requests or so,
# in one request (the p95 of the pages in bench/bench_scale.py); frozen, it takes about 15 ms.
gc.freeze()
