console.log('assistants-deploy');
