"""The course hub's own pieces: roster accounts, the login with lockout, and a spawner that runs
each student's server as that student's own unprivileged uid inside a memory/CPU/process cgroup.

Imported by ``deploy/jupyterhub/jupyterhub_config.py`` (which puts this folder on ``sys.path``).
"""
