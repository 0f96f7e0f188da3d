FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY channelhub channelhub
COPY models models
COPY channels channels
COPY sandbox sandbox
COPY workers workers
COPY scheduler scheduler
COPY dashboard dashboard
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["channelhub", "web"]
