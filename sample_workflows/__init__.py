"""Sample workflows: small programs that show one idea each, with recordings.

Each module opens with its lesson, defines its templates and a
``main(scheduler, *args)`` entry point, and runs with
``chronoflow run sample_workflows/<name>.py``.
"""
