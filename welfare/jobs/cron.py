"""RQ's scheduler configuration: `rq cron --url $REDIS_URL welfare.jobs.cron` (`make cron`)
enqueues every periodic task of the app (welfare.jobs.schedule) on the app's queue at its
interval, for `rq worker` to run. One such process is enough; a second one only makes the
tasks run twice, which they are written to survive."""

from rq import cron

from welfare import create_app
from welfare.jobs.runner import run_scheduled
from welfare.jobs.schedule import tasks

app = create_app()
for name, (func_path, seconds) in tasks(app).items():
    cron.register(run_scheduled, queue_name=app.config["RQ_QUEUE"], args=(func_path,),
                  interval=seconds, name=name, job_timeout=max(60, seconds), result_ttl=3600)
